#!/bin/sh
# Dashboard HTTP front (one connection on stdin/stdout, spawned by `nc -ll -e`): /health goes to the
# health CGI, existing files are served by `busybox httpd -i`, and extension-less paths that are
# not files fall back to /index.html (SPA routing, status 200). Missing assets stay 404.
CR=$(printf '\r')
IFS=' ' read -r -t 10 method target proto || exit 0
proto=${proto%"$CR"}
headers=''
while IFS= read -r -t 10 line; do
  line=${line%"$CR"}
  [ -z "$line" ] && break
  headers="$headers$line$CR
"
done
path=${target%%\?*}
case $path in
  /health | /health/) target=/cgi-bin/health ;;
  /cgi-bin/*) target=/cgi-bin/not-found ;;
  */ | */*.*) ;;
  *) [ -f "/www$path" ] || target=/index.html ;;
esac
case $path in */) [ -f "/www${path}index.html" ] || target=/index.html ;; esac
{
  printf '%s %s %s\r\n' "$method" "$target" "${proto:-HTTP/1.0}"
  printf '%s\r\n' "$headers"
} | httpd -i -h /www

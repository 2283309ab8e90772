// Tiny client-side router: every route is rendered here, the server falls back to index.html.
(function () {
  var views = {
    '/': 'Overview: six services, one manifest.',
    '/services': 'api, dashboard, runner, daemon, proxy, cli',
    '/settings': 'Nothing to configure in an example.',
  };
  function render() {
    var text = views[location.pathname] || 'Not found: ' + location.pathname;
    document.getElementById('view').textContent = text;
  }
  document.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('a[data-route]');
    if (!a) return;
    e.preventDefault();
    history.pushState(null, '', a.getAttribute('href'));
    render();
  });
  window.addEventListener('popstate', render);
  render();
})();

/**
 * {{date}} / {{commit_date}} formatting with moment-timezone, as docker/metadata-action does it (moment format
 * tokens, IANA zones). A module of its own so the action loads moment-timezone and its zone data (~0.7 MB of
 * JSON) only when a template uses a date.
 */
import moment from 'moment-timezone';
import type { DateFormatter } from './compute.js';

export const formatDate: DateFormatter = (date, format, tz) => {
  if (moment.tz.zone(tz) === null) {
    throw new Error(`unknown time zone tz='${tz}' (use an IANA name such as Europe/Paris or Asia/Tokyo)`);
  }
  // An undefined format is moment's default (ISO 8601 with offset), which is what metadata-action gives for an
  // unquoted format that handlebars read as a path.
  return moment(date).tz(tz).format(format);
};

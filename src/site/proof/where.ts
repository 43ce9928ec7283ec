/**
 * Which host and which user run a step, said above it (as the pgBackRest
 * guide does). Pure.
 *
 * A step may say `on="<host>"` and `as="<OS user>"`. Without them, the note
 * says what the harness did, and that it is the default: shell steps ran on
 * the database server as its `postgres` OS user (in the containers through
 * `docker exec` as `postgres`; locally as `postgres` when run as root, since
 * PostgreSQL refuses root), SQL steps were piped to psql connected as the
 * sandbox's superuser. The pages' commands assume the same (pg_ctl, $PGDATA,
 * files under the data directory), so the default is the true reading of a
 * step that says nothing.
 */
import type { FenceInfo } from '../fences.ts';

export interface WhereNote {
  text: string;
  /** true when the page said nothing and this is the rule. */
  isDefault: boolean;
  /** The longer explanation (a tooltip). */
  detail: string;
}

export function whereNote(info: FenceInfo, language: 'bash' | 'sql'): WhereNote {
  const isDefault = info.on === undefined && info.as === undefined;
  if (language === 'sql') {
    const host = info.on ? `psql on ${info.on}` : 'psql';
    const user = info.as ? `as ${info.as}` : 'as a database superuser';
    return {
      text: `${host} · ${user}`, isDefault,
      detail: isDefault
        ? 'This page does not say where this SQL runs. By default: in psql, connected with your PGHOST, PGPORT and PGUSER as a superuser, as the harness ran it.'
        : `Run this SQL in psql${info.on ? ` on ${info.on}` : ''}${info.as ? `, as ${info.as}` : ''}.`,
    };
  }
  const host = info.on ?? 'database host';
  const user = info.as ? `${info.as} OS user` : 'postgres OS user';
  return {
    text: `${host} · ${user}`, isDefault,
    detail: isDefault
      ? 'This page does not say where this command runs. By default: a shell on the database server, as the postgres OS user, as the harness ran it.'
      : `Run this on ${host}, as the ${user}${info.on && !info.as ? ' (postgres by default)' : ''}${info.as && !info.on ? ' (on the database host by default)' : ''}.`,
  };
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it, onTestFinished } from 'vitest';
import { projectPaths } from '../../src/harness/files/project.ts';

/** The messages mutants are killed with come from pg-fingerprint-diff: pin them on small, hand-written fingerprints. */
const DIFF = join(projectPaths().scripts, 'pg-fingerprint-diff');

const BASE = [
  'acl\tcolumn public.customers.name\t{+app_readonly=r/app_owner}',
  'acl\tdefault-privileges for app_owner in public on tables\t{+app_readonly=r/app_owner}',
  'acl\tlargeobject 800002\t{+app_readonly=r/app_owner}',
  'acl\ttable public.customers\tdefault',
  'largeobjects\tcount=2\tmd5=aaa',
  'owner\ttable public.customers\tapp_owner',
  'schema-object\ttable public.customers\tmd5=t1',
  'sequence\tpublic.customers_id_seq\tlast_value=40\tis_called=t',
  'sequence\tpublic.ticket_seq\tlast_value=2000\tis_called=f',
  'table\tpublic.customers\trows=40\tmd5=c1',
  'table\tpublic.session_cache\trows=25\tmd5=s1\tunlogged',
];

async function diff(expected: string[], actual: string[], options: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'rb-fpdiff-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'e'), `${expected.join('\n')}\n`);
  writeFileSync(join(dir, 'a'), `${actual.join('\n')}\n`);
  const result = await execa(DIFF, [...options, 'e', 'a'], { cwd: dir, reject: false, env: { LC_ALL: 'C' } });
  return { exitCode: result.exitCode, out: result.stdout, err: result.stderr };
}

const edit = (lines: string[], from: string, to: string | undefined): string[] =>
  lines.flatMap((l) => (l.startsWith(from) ? (to === undefined ? [] : [to]) : [l]));

describe('pg-fingerprint-diff', () => {
  it('summarises equal fingerprints', async () => {
    expect(await diff(BASE, BASE)).toEqual({ exitCode: 0, out: 'fingerprints match: 2 tables (65 rows), 2 sequences, 1 schema objects', err: '' });
  });

  it('says privileges differ, not "missing", when a column, large object or default privilege went back to the default', async () => {
    let actual = edit(BASE, 'acl\tcolumn public.customers.name', undefined);
    actual = edit(actual, 'acl\tlargeobject 800002', undefined);
    actual = edit(actual, 'acl\tdefault-privileges', undefined);
    expect((await diff(BASE, actual)).out).toBe([
      'privileges on column public.customers.name differ: {+app_readonly=r/app_owner} expected, default found',
      'privileges on default-privileges for app_owner in public on tables differ: {+app_readonly=r/app_owner} expected, default found',
      'privileges on largeobject 800002 differ: {+app_readonly=r/app_owner} expected, default found',
      '3 differences',
    ].join('\n'));
    expect((await diff(actual, BASE)).out).toContain('privileges on column public.customers.name differ: default expected, {+app_readonly=r/app_owner} found');
  });

  it('blames the large object itself when the large objects differ too', async () => {
    const actual = edit(edit(BASE, 'acl\tlargeobject 800002', undefined), 'largeobjects', 'largeobjects\tcount=1\tmd5=bbb');
    expect((await diff(BASE, actual)).out).toBe([
      'large objects: 2 expected, 1 found',
      'largeobject 800002: privileges {+app_readonly=r/app_owner} expected, not found (is the large object missing?)',
      '2 differences',
    ].join('\n'));
  });

  it('names the tables whose contents were not compared, and insists both sides used the same options', async () => {
    const ignored = edit(BASE, 'table\tpublic.session_cache', 'table\tpublic.session_cache\trows=ignored\tmd5=ignored\tunlogged');
    expect((await diff(ignored, ignored)).out).toBe('fingerprints match: 2 tables (40 rows), 2 sequences, 1 schema objects; contents not compared: public.session_cache (ignored)');
    expect((await diff(BASE, ignored)).out).toBe([
      'public.session_cache: rows=25 expected, rows=ignored found (take both fingerprints with the same options)',
      '1 difference',
    ].join('\n'));
  });

  it('says a role lost its password apart from its other attributes', async () => {
    const role = 'role\tapp_owner\tNOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS';
    const withPassword = [...BASE, `${role} PASSWORD scram-sha-256`];
    expect((await diff(withPassword, [...BASE, `${role} NOPASSWORD`])).out).toBe([
      'role app_owner: has no password (PASSWORD scram-sha-256 expected): its password logins will fail; were the globals dumped with --no-role-passwords?',
      '1 difference',
    ].join('\n'));
    const noLogin = `${role.replace(' LOGIN', ' NOLOGIN')} PASSWORD md5`;
    expect((await diff(withPassword, [...BASE, noLogin])).out).toBe([
      'role app_owner: attributes differ: NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS expected, NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB NOLOGIN NOREPLICATION NOBYPASSRLS found',
      'role app_owner: PASSWORD scram-sha-256 expected, PASSWORD md5 found',
      '2 differences',
    ].join('\n'));
  });

  it('says a materialized view is not populated, rather than blaming the options', async () => {
    const withMatview = [...BASE, 'matview\tpublic.demand\trows=8\tmd5=m1'];
    const unpopulated = edit(withMatview, 'matview\tpublic.demand', 'matview\tpublic.demand\trows=unpopulated\tmd5=unpopulated');
    expect((await diff(withMatview, unpopulated)).out)
      .toBe('matview public.demand: not populated (8 rows expected; REFRESH MATERIALIZED VIEW fills it)\n1 difference');
  });

  it('with --allow-sequence-gaps accepts sequences ahead, never behind', async () => {
    let actual = edit(BASE, 'sequence\tpublic.customers_id_seq', 'sequence\tpublic.customers_id_seq\tlast_value=71\tis_called=t');
    actual = edit(actual, 'sequence\tpublic.ticket_seq', 'sequence\tpublic.ticket_seq\tlast_value=2217\tis_called=t');
    expect((await diff(BASE, actual)).out).toBe([
      'sequence public.customers_id_seq: last_value 71 ≠ 40 expected',
      'sequence public.ticket_seq: last_value 2217 ≠ 2000 expected',
      'sequence public.ticket_seq: is_called t ≠ f expected',
      '3 differences',
    ].join('\n'));
    expect((await diff(BASE, actual, ['--allow-sequence-gaps'])).out)
      .toBe('fingerprints match: 2 tables (65 rows), 2 sequences, 1 schema objects; 2 sequences ahead (gaps allowed)');
    const behind = edit(BASE, 'sequence\tpublic.customers_id_seq', 'sequence\tpublic.customers_id_seq\tlast_value=39\tis_called=t');
    expect((await diff(BASE, behind, ['--allow-sequence-gaps'])).out).toBe('sequence public.customers_id_seq: last_value 39 ≠ 40 expected\n1 difference');
  });

  it('names lost database settings, which pg_dump writes only with --create', async () => {
    const withSettings = [...BASE, 'setting\tdatabase\t{search_path=public, audit}', 'setting\trole app_owner\t{lock_timeout=1s}'];
    expect((await diff(withSettings, BASE)).out).toBe([
      'settings of database missing ({search_path=public, audit} expected; pg_dump writes them only with --create)',
      'settings of role app_owner missing ({lock_timeout=1s} expected)',
      '2 differences',
    ].join('\n'));
    expect((await diff(withSettings, edit(withSettings, 'setting\tdatabase', 'setting\tdatabase\t{search_path=public}'))).out)
      .toBe('settings of database differ: {search_path=public, audit} expected, {search_path=public} found\n1 difference');
  });

  it('rejects unknown options and a wrong number of files with exit status 2', async () => {
    const bogus = await diff(BASE, BASE, ['--bogus']);
    expect(bogus.exitCode).toBe(2);
    expect(bogus.err).toContain('pg-fingerprint-diff: unknown option: --bogus');
    const one = await execa(DIFF, ['only-one'], { reject: false });
    expect(one.exitCode).toBe(2);
    expect(one.stderr).toContain('expected 2 arguments (EXPECTED ACTUAL), got 1');
  });
});

import { describe, expect, it } from 'vitest';
import { scrubSecrets } from '../../src/harness/report/scrub.ts';

describe('scrubbing secrets from captured output', () => {
  it('masks the values the sandbox generated, wherever they appear', () => {
    expect(scrubSecrets('pw is Xy7-abcdef123 and again Xy7-abcdef123.', ['Xy7-abcdef123'])).toBe('pw is *** and again ***.');
  });

  it('masks passwords in URIs, conninfo strings, environment dumps and SQL', () => {
    expect(scrubSecrets('postgres://app:s3cret@db.internal:5432/app')).toBe('postgres://app:***@db.internal:5432/app');
    expect(scrubSecrets("host=db user=app password='a b c' dbname=app")).toBe('host=db user=app password=*** dbname=app');
    expect(scrubSecrets('PGPASSWORD=hunter22\nPGUSER=app')).toBe('PGPASSWORD=***\nPGUSER=app');
    expect(scrubSecrets("ALTER ROLE app WITH LOGIN PASSWORD 'it''s-secret';")).toBe("ALTER ROLE app WITH LOGIN PASSWORD '***';");
  });

  it('masks stored password hashes', () => {
    const scram = 'SCRAM-SHA-256$4096:c2FsdHNhbHQ=$c3RvcmVka2V5c3RvcmVka2V5:c2VydmVya2V5c2VydmVya2V5';
    expect(scrubSecrets(`PASSWORD '${scram}'`)).toBe("PASSWORD '***'");
    expect(scrubSecrets(`rolpassword | ${scram}`)).toBe('rolpassword | SCRAM-SHA-256$***');
    expect(scrubSecrets('md5d41d8cd98f00b204e9800998ecf8427e')).toBe('md5***');
  });

  it('leaves ordinary output alone', () => {
    const text = 'CREATE TABLE\nINSERT 0 2\n password_reset_tokens | 3 rows\nfingerprints match: 4 tables (198 rows)';
    expect(scrubSecrets(text, ['short'])).toBe(text);
  });
});

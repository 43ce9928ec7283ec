/**
 * Captured output goes to reports and onto public pages. Anything that looks
 * like a credential is replaced before it is stored or compared: the values
 * the sandbox generated (passed in), and the usual shapes of passwords in
 * PostgreSQL output. Pure.
 */
const MASK = '***';

const PATTERNS: [RegExp, string][] = [
  // postgres://user:secret@host
  [/(postgres(?:ql)?:\/\/[^:/\s@]+:)[^@\s]+@/gi, `$1${MASK}@`],
  // password=secret in a conninfo string or a config line
  [/(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|"[^"]*"|[^\s'"]+)/gi, `$1${MASK}`],
  // PGPASSWORD=secret in an environment dump
  [/(\bPGPASSWORD=)\S+/g, `$1${MASK}`],
  // PASSWORD 'secret' in SQL, e.g. pg_dumpall --globals-only output
  [/(\bPASSWORD\s+)'(?:[^']|'')*'/gi, `$1'${MASK}'`],
  // Stored password hashes
  [/SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+/g, `SCRAM-SHA-256$${MASK}`],
  [/\bmd5[0-9a-f]{32}\b/g, `md5${MASK}`],
];

export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) if (secret.length >= 6) out = out.split(secret).join(MASK);
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

import type { Mutant } from '../mutants.ts';

/** Issue 13: mutants that break a production property of the page while every command still exits 0. */
export const MUTANTS: Mutant[] = [
  {
    // Issue 13, hazard 5: the rebuilt cluster must have the source's encoding
    // and locale; a fixed locale initdb accepts happily is another cluster.
    name: 'the ransomware rebuild runs initdb with a fixed --locale=C instead of the recorded one',
    file: 'content/disaster/ransomware.md',
    patches: [{
      from: '  "${locale_options[@]}" > /dev/null\n',
      to: '  --encoding=UTF8 --locale=C > /dev/null\n',
    }],
    step: 'prove-locale',
    expect: ['-template1 datcollate=C.UTF-8', '+template1 datcollate=C', '+template1 datctype=C'],
  },
  {
    // The same hazard on the page that moves a database to a new cluster.
    name: 'the new cluster for the roles restore runs initdb with a fixed --locale=C instead of the old one',
    file: 'content/backup/roles-and-privileges.md',
    patches: [{
      from: '--auth-local=scram-sha-256 --auth-host=scram-sha-256 "${locale_options[@]}" > /dev/null\n',
      to: '--auth-local=scram-sha-256 --auth-host=scram-sha-256 --encoding=UTF8 --locale=C > /dev/null\n',
    }],
    step: 'prove-locale',
    expect: ['-appdb datcollate=C.UTF-8', '+appdb datcollate=C', '+template1 datctype=C'],
  },
];

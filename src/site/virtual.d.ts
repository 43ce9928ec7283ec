/** Provided by src/site/integration.ts: the settings this build resolved, shared by components and endpoints. */
declare module 'virtual:proven-runbooks/settings' {
  const settings: import('./settings.ts').SiteSettings;
  export default settings;
}

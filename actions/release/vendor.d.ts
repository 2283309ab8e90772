// The semantic-release plugins ship no type declarations; these are the steps the release engine calls.
declare module '@semantic-release/commit-analyzer' {
  export function analyzeCommits(pluginConfig: object, context: object): Promise<string | null>;
}
declare module '@semantic-release/release-notes-generator' {
  export function generateNotes(pluginConfig: object, context: object): Promise<string>;
}
declare module '@semantic-release/github' {
  export function verifyConditions(pluginConfig: object, context: object): Promise<void>;
  export function publish(pluginConfig: object, context: object): Promise<unknown>;
}
declare module '@semantic-release/changelog' {
  export function verifyConditions(pluginConfig: object, context: object): Promise<void>;
  export function prepare(pluginConfig: object, context: object): Promise<void>;
}

// conventional-changelog-conventionalcommits ships no types; the preset test compares against it.
declare module 'conventional-changelog-conventionalcommits' {
  export default function createPreset(config?: object): Promise<{
    parser: Record<string, unknown>;
    writer: Record<string, unknown>;
  }>;
}

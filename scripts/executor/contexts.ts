/** The environment a step's process gets from the github and runner contexts (GITHUB_*, RUNNER_*). */
import { coerceString, type Value } from './expressions.js';
import type { RunState } from './state.js';

export function githubEnv(
  state: RunState,
  github: Record<string, Value>,
  workspace: string,
  temp: string,
  stepId: string,
  toolCache: string
): Record<string, string> {
  const g = (k: string): string => coerceString((github[k] ?? '') as Value);
  return {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: g('event_name'),
    GITHUB_EVENT_PATH: state.eventPath,
    GITHUB_SHA: g('sha'),
    GITHUB_REF: g('ref'),
    GITHUB_REF_NAME: g('ref_name'),
    GITHUB_REF_TYPE: g('ref_type'),
    GITHUB_REF_PROTECTED: 'false',
    GITHUB_HEAD_REF: g('head_ref'),
    GITHUB_BASE_REF: g('base_ref'),
    GITHUB_REPOSITORY: g('repository'),
    GITHUB_REPOSITORY_OWNER: g('repository_owner'),
    GITHUB_ACTOR: g('actor'),
    GITHUB_TRIGGERING_ACTOR: g('triggering_actor'),
    GITHUB_RUN_ID: g('run_id'),
    GITHUB_RUN_NUMBER: g('run_number'),
    GITHUB_RUN_ATTEMPT: g('run_attempt'),
    GITHUB_RETENTION_DAYS: g('retention_days'),
    GITHUB_WORKFLOW: g('workflow'),
    GITHUB_WORKFLOW_REF: g('workflow_ref'),
    GITHUB_JOB: g('job'),
    GITHUB_ACTION: stepId,
    GITHUB_WORKSPACE: workspace,
    GITHUB_SERVER_URL: g('server_url'),
    GITHUB_API_URL: g('api_url'),
    GITHUB_GRAPHQL_URL: g('graphql_url'),
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'slipway-local',
    RUNNER_ENVIRONMENT: 'self-hosted',
    RUNNER_TEMP: temp,
    RUNNER_TOOL_CACHE: toolCache
  };
}

import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { TOOL_SCHEMAS, type ToolCall, type ToolName } from './tools.js';

/** TOOL_SCHEMAS in the `tools` shape of the OpenAI chat-completions API. */
export const OPENAI_TOOLS = TOOL_SCHEMAS.map((tool) => ({
  type: 'function' as const,
  function: { name: tool.name, description: tool.description, parameters: tool.parameters },
}));

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats.default(ajv, ['date-time']);
const validators = new Map(TOOL_SCHEMAS.map((tool) => [tool.name as string, ajv.compile(tool.parameters)]));

/**
 * A model's tool call checked against the very schemas it was offered: a known tool name and
 * JSON arguments that satisfy its schema. Returns why not otherwise.
 */
export function validateToolCall(name: string, argumentsJson: string): { readonly call: ToolCall } | { readonly problem: string } {
  const validate = validators.get(name);
  if (!validate) return { problem: `unknown tool ${JSON.stringify(name.slice(0, 50))}` };
  let args: unknown;
  try {
    args = JSON.parse(argumentsJson);
  } catch {
    return { problem: `arguments of ${name} are not JSON` };
  }
  if (!validate(args)) return { problem: `arguments of ${name}: ${ajv.errorsText(validate.errors)}` };
  return { call: { kind: 'tool', name: name as ToolName, args } as ToolCall };
}

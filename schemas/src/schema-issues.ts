// Turns TypeBox validation errors into issues a user can act on: one per field, naming it.
// TypeBox reports several raw errors for one mistake (each anyOf branch, plus an aggregate for
// additional properties); this collapses them and words them for people, not for schema authors.
import type { TLocalizedValidationError } from 'typebox/error';
import type { EventIssue } from './issue-list.js';
import { fieldLabel, pointer, pointerSegments } from './json-pointer.js';
import { codePointLength, describeValue } from './value-text.js';

const ARTICLES: Readonly<Record<string, string>> = { object: 'an object', array: 'an array', integer: 'an integer' };

function typeName(type: string): string {
  return ARTICLES[type] ?? `a ${type}`;
}

/** `a string, number or boolean`: the article once, as a person would write it. */
function typeList(types: readonly string[]): string {
  const [first, ...rest] = types;
  if (first === undefined) return 'one of the allowed types';
  const head = typeName(first);
  if (rest.length === 0) return head;
  return `${[head, ...rest.slice(0, -1)].join(', ')} or ${rest.at(-1)}`;
}

function valueAt(root: unknown, path: string): unknown {
  let value = root;
  for (const segment of pointerSegments(path)) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/**
 * Issues for the raw TypeBox errors of `input`, in TypeBox's order. `allowedFields` names the
 * fields a client may send, for the "unknown field" message.
 */
export function schemaIssues(
  errors: readonly TLocalizedValidationError[],
  input: unknown,
  allowedFields: readonly string[],
): EventIssue[] {
  const issues: EventIssue[] = [];
  const unknownField = (path: string, key: string): void => {
    issues.push({ path, message: `unknown field ${JSON.stringify(key)}; allowed fields are ${allowedFields.join(', ')}` });
  };
  for (const error of errors) {
    const { instancePath: path } = error;
    const label = fieldLabel(path);
    const value = valueAt(input, path);
    switch (error.keyword) {
      case 'required':
        for (const name of error.params.requiredProperties) {
          const fieldPath = pointer(...pointerSegments(path), name);
          issues.push({ path: fieldPath, message: `${fieldLabel(fieldPath)} is required` });
        }
        break;
      case 'additionalProperties':
        for (const key of error.params.additionalProperties) unknownField(pointer(...pointerSegments(path), key), key);
        break;
      case 'boolean':
        // `additionalProperties: false` reports each extra key as a failed `false` schema.
        if (error.schemaPath.endsWith('/additionalProperties')) unknownField(path, pointerSegments(path).at(-1) ?? '');
        else issues.push({ path, message: `${label} is not allowed` });
        break;
      case 'type':
        // A failed anyOf branch says nothing on its own; the anyOf error below lists all branches.
        if (!/\/anyOf\/\d+$/.test(error.schemaPath)) {
          issues.push({ path, message: `${label} must be ${typeList([error.params.type].flat())}; got ${describeValue(value)}` });
        }
        break;
      case 'anyOf': {
        const branches = errors.filter(
          (e) => e.keyword === 'type' && e.instancePath === path && e.schemaPath.startsWith(`${error.schemaPath}/anyOf/`),
        );
        const types = branches.flatMap((e) => (e.keyword === 'type' ? [e.params.type].flat() : []));
        issues.push({ path, message: `${label} must be ${typeList(types)}; got ${describeValue(value)}` });
        break;
      }
      case 'minLength':
        issues.push({
          path,
          message: error.params.limit === 1 ? `${label} must not be empty` : `${label} must be at least ${error.params.limit} characters`,
        });
        break;
      case 'maxLength': {
        const length = typeof value === 'string' ? `is ${codePointLength(value)} characters` : 'is too long';
        issues.push({ path, message: `${label} ${length}; the limit is ${error.params.limit} characters` });
        break;
      }
      case 'maxProperties': {
        const count = typeof value === 'object' && value !== null ? `has ${Object.keys(value).length} keys` : 'has too many keys';
        issues.push({ path, message: `${label} ${count}; the limit is ${error.params.limit} keys` });
        break;
      }
      case 'format':
        issues.push({ path, message: `${label} must be a valid ${error.params.format}; got ${describeValue(value)}` });
        break;
      default:
        issues.push({ path, message: `${label} ${error.message}` });
    }
  }
  return issues;
}

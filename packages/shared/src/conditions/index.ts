/**
 * The condition language: one evaluator for hand-written conditions and the simple monitor form.
 *
 * @example
 * const parsed = parseCondition('[BODY].status == UP')
 * if (parsed.ok) evaluateCondition(parsed, { body: '{"status":"UP"}' }).success // true
 */
export {
  compileSimpleAssertions,
  JSON_PATH_OPERATORS,
  type JsonPathOperator,
  type SimpleAssertions,
} from './compile.js'
export { evaluateCondition, evaluateConditions } from './evaluate.js'
export { parseCondition, validateConditions } from './parser.js'
export * from './types.js'

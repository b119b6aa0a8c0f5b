// Building AST nodes in a canonical shape: nested and/or flattened, `all` absorbed, double negation removed,
// the words of an AND gathered into one `words` node. Every producer of ASTs (parser, buildQuery,
// scopeToResources) goes through these, so the compilers see small, shallow trees.
import type { QueryNode } from './ast.js';

export const ALL: QueryNode = { kind: 'all' };

export function andOf(nodes: readonly QueryNode[]): QueryNode {
  const children: QueryNode[] = [];
  let words: string[] | undefined;
  const add = (node: QueryNode): void => {
    if (node.kind === 'and') node.children.forEach(add);
    else if (node.kind === 'all') return;
    else if (node.kind === 'words') {
      if (words === undefined) {
        words = [];
        children.push({ kind: 'words', words });
      }
      for (const w of node.words) if (!words.includes(w)) words.push(w);
    } else children.push(node);
  };
  nodes.forEach(add);
  if (children.length === 0) return ALL;
  return children.length === 1 ? children[0]! : { kind: 'and', children };
}

export function orOf(nodes: readonly QueryNode[]): QueryNode {
  const children: QueryNode[] = [];
  const add = (node: QueryNode): void => {
    if (node.kind === 'or') node.children.forEach(add);
    else children.push(node);
  };
  nodes.forEach(add);
  if (children.some((c) => c.kind === 'all')) return ALL;
  if (children.length === 0) throw new Error('orOf needs at least one node');
  return children.length === 1 ? children[0]! : { kind: 'or', children };
}

export function notOf(node: QueryNode): QueryNode {
  return node.kind === 'not' ? node.child : { kind: 'not', child: node };
}

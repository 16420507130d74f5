// Minimal typings for mvdan-sh (the GopherJS build of mvdan.cc/sh/v3/syntax). Nodes are Go
// structs seen through GopherJS wrappers: fields are properties, positions are objects with
// Line()/Col()/Offset() methods. src/shell/ast.ts converts them to plain typed objects at once,
// so nothing else in nsemu touches these.
declare module 'mvdan-sh' {
  /** A Go AST node (syntax.Stmt, syntax.Word, ...): read its fields by name. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  export type GoNode = any;
  export interface GoParser {
    /** Parse a whole source; throws a syntax.ParseError (a GoNode with Pos/Text/Error()) */
    Parse(src: string, name: string): GoNode;
  }
  export interface Syntax {
    NewParser(...opts: unknown[]): GoParser;
    NodeType(node: GoNode): string;
    IsIncomplete(err: unknown): boolean;
    SplitBraces(word: GoNode): GoNode;
    DebugPrint(node: GoNode): string;
    Walk(node: GoNode, fn: (n: GoNode) => boolean): void;
    KeepComments(on: boolean): unknown;
    Variant(lang: unknown): unknown;
    LangBash: unknown;
    LangPOSIX: unknown;
  }
  const sh: { syntax: Syntax };
  export default sh;
}

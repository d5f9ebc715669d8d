"""Syntax facts shared by the catalogue, one topic a module.

Each module reads a tree-sitter tree of C or Java and answers the questions the transformations
ask before they edit: `nodes` (walking the tree, raw offsets to edits), `statements` (statement
lists, bodies, labels, jump targets, where a statement may go), `expressions` (side effects,
precedence, Java numeric types, what may throw), `declarations` (declared names, Java local
types), `completion` (Java normal completion) and `layout` (tokens, lines, indentation,
spacing). Offsets are raw byte offsets into `parsed.data` (`node.start_byte`).
"""

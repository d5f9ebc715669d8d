"""The language layer: tree-sitter parsing of C and Java, symbol tables, transformations."""

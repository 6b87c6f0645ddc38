"""DCAT-AP 3.0 documents of the public catalog: Turtle, JSON-LD and RDF/XML (docs/exchange.md)."""

"""The stages: pure functions from a file's bytes to a document (load, parse, validate, HTML
safety, facts) and from all documents to the corpus graph and its lint findings."""

"""Letters: a request's content, its French wording, DOCX and PDF rendering, and issuing."""

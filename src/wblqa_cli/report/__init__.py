"""The visit pack: ``wblqa report``, one self-contained HTML file for the verifier."""

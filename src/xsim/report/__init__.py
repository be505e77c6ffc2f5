"""The decision memo: ``xsim report STUDY_DIR`` turns a comparison study into HTML and PDF.

- :mod:`xsim.report.memo` — what the memo says, gathered from the study folder (rows, uncertainty,
  figures, manifest) and the validation targets;
- :mod:`xsim.report.html` — the page, in Chinese (default) or English;
- :mod:`xsim.report.pdf` — the PDF, printed by headless Chromium with the bundled font (the route of
  the printable handouts).
"""

"""The browser tests, a package so that their JupyterLab and Chromium are package-scoped:
Playwright's sync API keeps its event loop marked as running while its browser is open, and
tests outside this folder that call ``asyncio.run`` must not see it."""

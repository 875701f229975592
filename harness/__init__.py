"""What tests/ and bench/ share: the app's server and Chromium (server), driving a page (page), hand-drawn digits
(strokes), hostile images (images) and a call measured in a fresh process (fresh_process). Neither tests/ nor bench/
imports the other."""

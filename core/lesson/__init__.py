"""The blog post's lesson as the Lesson page teaches it: its code blocks in order, its programs run as written, and
the measurements behind each predict-then-reveal. The programs themselves live verbatim in the top-level lesson/."""

"""Reading what a visitor draws or uploads into a 28x28 digit: strokes, image files, ink clean-up."""

"""例会模式: the weekly meeting's slides (deck: content; view: the projector) and its brief."""

"""Presentation layer: chart builders (charts), shared URL-bound widgets (controls) and the
classroom helpers every page calls (classroom). Pages → ui → core; core never imports ui."""

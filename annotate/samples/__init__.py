"""The sample clip generator: faces from a photograph, turned in 3D by a scripted timeline."""

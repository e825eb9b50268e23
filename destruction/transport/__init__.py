"""Transport documents generated from a dispatched order: the ADR transport document for the
lots with UN classes, the waste consignment note, and the Annex VII information (Reg. (EU)
2024/1157) when the facility is in another country than the dispatching office."""

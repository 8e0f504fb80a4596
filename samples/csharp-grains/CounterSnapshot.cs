namespace UserSilo;

/// <summary>What callers get back. Types crossing a grain call need [GenerateSerializer] and [Id]s.</summary>
[GenerateSerializer, Immutable]
public sealed record CounterSnapshot([property: Id(0)] long Count, [property: Id(1)] long Ticks);

namespace Fairway.Chaos.Schedule;

/// <summary>The fault kinds <c>fairway chaos --faults</c> names, one word each.</summary>
public enum FaultKind
{
    Partition,
    Delay,
    Loss,
    Kill,
    Pause,
    Disk,
    Clock,
}

public static class FaultKinds
{
    public static readonly IReadOnlyList<FaultKind> All = Enum.GetValues<FaultKind>();

    public static string Name(FaultKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>Parses a comma-separated list such as <c>partition,delay,kill</c>; throws <see cref="FormatException"/> naming what it does not know.</summary>
    public static IReadOnlyList<FaultKind> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var kinds = new List<FaultKind>();
        foreach (var word in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kind = All.Cast<FaultKind?>().FirstOrDefault(k => Name(k!.Value) == word.ToLowerInvariant())
                ?? throw new FormatException($"unknown fault kind \"{word}\" (known: {string.Join(',', All.Select(Name))})");
            if (!kinds.Contains(kind))
            {
                kinds.Add(kind);
            }
        }

        return kinds.Count > 0 ? kinds : throw new FormatException("name at least one fault kind");
    }
}

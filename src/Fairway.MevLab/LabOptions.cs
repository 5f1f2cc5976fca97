namespace Fairway.MevLab;

/// <summary>What one lab run covers: seeds, the number of traders, simulated minutes and which sequencers.</summary>
public sealed record LabOptions
{
    public ulong Seed { get; init; } = 1;

    /// <summary>Runs per sequencer, with seeds <see cref="Seed"/>, <see cref="Seed"/> + 1, ...</summary>
    public int Seeds { get; init; } = 1;

    public int Traders { get; init; } = 50;

    /// <summary>Simulated minutes of order flow per run.</summary>
    public double Minutes { get; init; } = 1;

    public IReadOnlyList<string> Sequencers { get; init; } = Sequencer.All;

    /// <summary>Every bound a caller's figures must respect; the message says which and why.</summary>
    public void Validate()
    {
        Require(Seeds is >= 1 and <= 100, "--seeds must be between 1 and 100");
        Require(Traders is >= 1 and <= 10_000, "--traders must be between 1 and 10000");
        Require(Minutes is >= 0.05 and <= 60, "--minutes must be between 0.05 and 60 (simulated)");
        Require(Sequencers.Count is >= 1 and <= 8, "--sequencers must name between 1 and 8 sequencers");
        foreach (var name in Sequencers)
        {
            Require(Sequencer.All.Contains(name), $"--sequencers: unknown sequencer \"{name}\" ({string.Join(", ", Sequencer.All)})");
        }

        Require(Sequencers.Distinct().Count() == Sequencers.Count, "--sequencers names a sequencer twice");
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}

using BenchmarkDotNet.Attributes;
using Fairway.Core.Crypto;
using Fairway.Crypto.Dkg;

namespace Fairway.Benchmarks;

/// <summary>
/// The key generation's cost at <see cref="Validators"/> validators (threshold f+1): what one dealer spends making its
/// dealing, what one recipient spends checking a dealing (opening its share against the commitments), and what every
/// validator spends finishing the key set from all dealings (verification keys for every share index).
/// </summary>
[MemoryDiagnoser]
public class DkgBenchmarks
{
    [Params(4, 16, 64)]
    public int Validators { get; set; }

    private DkgParameters _parameters = null!;
    private DkgTransportKey[] _keys = [];
    private Dealing[] _dealings = [];

    [GlobalSetup]
    public void Setup()
    {
        _keys = [.. Enumerable.Range(0, Validators).Select(i => DkgTransportKey.FromSeed(Hash.Compute([(byte)i, (byte)(i >> 8)]).ToArray()))];
        _parameters = new DkgParameters("bench"u8, ((Validators - 1) / 3) + 1, [.. _keys.Select(k => k.PublicKey)]);
        _dealings = [.. Enumerable.Range(0, Validators).Select(j => Dealing.Create(_parameters, (ushort)j))];
    }

    [Benchmark]
    public Dealing Deal() => Dealing.Create(_parameters, 0);

    [Benchmark]
    public Complaint? CheckOneDealing() => Complaint.Against(_parameters, _dealings[0], 1, _keys[1]);

    [Benchmark]
    public DkgResult Finish() => DkgTranscript.Finish(_parameters, _dealings, []).Result;
}

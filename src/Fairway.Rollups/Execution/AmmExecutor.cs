using Fairway.Client;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;
using Fairway.Rollups.Amm;

namespace Fairway.Rollups.Execution;

/// <summary>
/// Runs the AMM rollup: follows its namespace through the SDK (every block verified against the trusted validator
/// set), applies each transaction in stream order, and after each height records the state root and persists the state,
/// so a restarted executor resumes where it stopped. Readers (the HTTP API) see a consistent snapshot.
/// </summary>
public sealed class AmmExecutor
{
    /// <summary>State roots kept for <see cref="RootAt"/>: the most recent heights.</summary>
    public const int RootsKept = 4096;

    private const string StateFile = "amm-state.bin";
    private static ReadOnlySpan<byte> FileMagic => "fairway/rollup/amm/executor/v1"u8;

    private readonly string _directory;
    private readonly ISignatureVerifier _verifier;
    private readonly Lock _gate = new();
    private readonly SortedDictionary<ulong, Hash> _roots = [];
    private AmmState _state;

    private AmmExecutor(string directory, ISignatureVerifier verifier, AmmState state, ulong height)
    {
        _directory = directory;
        _verifier = verifier;
        _state = state;
        Height = height;
    }

    /// <summary>The last height applied (0 before any).</summary>
    public ulong Height { get; private set; }

    /// <summary>Opens the executor's data directory: the persisted state and height when there are some, else an empty state.</summary>
    public static AmmExecutor Open(string directory, ulong @namespace, ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(directory);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, StateFile);
        if (!File.Exists(path))
        {
            return new AmmExecutor(directory, verifier, new AmmState(@namespace), 0);
        }

        var bytes = File.ReadAllBytes(path);
        if (!bytes.AsSpan().StartsWith(FileMagic))
        {
            throw new InvalidDataException($"{path} is not an AMM executor's state");
        }

        var reader = new CanonicalReader(bytes.AsSpan(FileMagic.Length));
        var height = reader.ReadU64("height");
        var state = AmmState.Decode(reader.ReadBytes(int.MaxValue, "state"));
        reader.EnsureEnd("executor state");
        if (state.Namespace != @namespace)
        {
            throw new InvalidDataException($"{path} holds namespace {state.Namespace}'s state, not {@namespace}'s");
        }

        var executor = new AmmExecutor(directory, verifier, state, height);
        executor._roots[height] = state.StateRoot();
        return executor;
    }

    /// <summary>Follows the namespace from the height after the last applied until cancelled.</summary>
    public async Task RunAsync(FairwayClient client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        await foreach (var block in client.StreamNamespaceAsync(Height + 1, _state.Namespace, ct).ConfigureAwait(false))
        {
            Apply(block.Height, block.Transactions.Select(t => t.Payload));
        }
    }

    /// <summary>Applies one height's transactions, in order, and persists the result before it is served.</summary>
    public void Apply(ulong height, IEnumerable<ReadOnlyMemory<byte>> payloads)
    {
        ArgumentNullException.ThrowIfNull(payloads);
        if (height <= Height)
        {
            return;
        }

        // Applied on a copy, so a reader never sees half a height, and a crash before the file is replaced loses nothing.
        var next = AmmState.Decode(_state.Encode());
        foreach (var payload in payloads)
        {
            next.Apply(payload.Span, _verifier);
        }

        // One encoding serves the file and the root (the root is its hash).
        var encoded = next.Encode();
        Persist(height, encoded);
        lock (_gate)
        {
            _state = next;
            Height = height;
            _roots[height] = Hash.Compute(encoded);
            while (_roots.Count > RootsKept)
            {
                _roots.Remove(_roots.Keys.First());
            }
        }
    }

    /// <summary>The state as of <see cref="Height"/>, for reading (do not change it).</summary>
    public (ulong Height, AmmState State) Snapshot()
    {
        lock (_gate)
        {
            return (Height, _state);
        }
    }

    /// <summary>The state root after <paramref name="height"/>, when it is among the heights kept.</summary>
    public Hash? RootAt(ulong height)
    {
        lock (_gate)
        {
            return _roots.TryGetValue(height, out var root) ? root : null;
        }
    }

    private void Persist(ulong height, byte[] encoded)
    {
        var writer = new CanonicalWriter(FileMagic.Length + 16 + encoded.Length);
        writer.WriteRaw(FileMagic);
        writer.WriteU64(height);
        writer.WriteBytes(encoded);
        var path = Path.Combine(_directory, StateFile);
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            file.Write(writer.WrittenSpan);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}

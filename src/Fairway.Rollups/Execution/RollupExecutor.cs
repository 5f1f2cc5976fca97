using Fairway.Client;
using Fairway.Core.Crypto;
using Fairway.Core.Encoding;

namespace Fairway.Rollups.Execution;

/// <summary>
/// Runs a demo rollup: follows its namespace (and the ones it reads) through the SDK, every block verified against the
/// trusted validator set; applies each height; records the state root and persists the state before serving it, so a
/// restarted executor resumes where it stopped. Readers see a consistent snapshot.
/// </summary>
public sealed class RollupExecutor
{
    /// <summary>State roots kept for <see cref="RootAt"/>: the most recent heights.</summary>
    public const int RootsKept = 4096;

    private const string StateFile = "rollup-state.bin";
    private static ReadOnlySpan<byte> FileMagic => "fairway/rollup/executor/v2"u8;

    private readonly string _directory;
    private readonly ISignatureVerifier _verifier;
    private readonly Lock _gate = new();
    private readonly SortedDictionary<ulong, Hash> _roots = [];
    private RollupMachine _machine;

    private RollupExecutor(string directory, ISignatureVerifier verifier, RollupMachine machine, ulong height)
    {
        _directory = directory;
        _verifier = verifier;
        _machine = machine;
        Height = height;
    }

    /// <summary>The last height applied (0 before any).</summary>
    public ulong Height { get; private set; }

    /// <summary>
    /// Opens the executor's data directory: the persisted state and height when there are some (refused when they are
    /// another kind's or another configuration's), else <paramref name="genesis"/>.
    /// </summary>
    public static RollupExecutor Open(string directory, RollupMachine genesis, ISignatureVerifier verifier)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(genesis);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, StateFile);
        if (!File.Exists(path))
        {
            return new RollupExecutor(directory, verifier, genesis, 0);
        }

        var bytes = File.ReadAllBytes(path);
        if (!bytes.AsSpan().StartsWith(FileMagic))
        {
            throw new InvalidDataException($"{path} is not a rollup executor's state");
        }

        try
        {
            var reader = new CanonicalReader(bytes.AsSpan(FileMagic.Length));
            var kind = reader.ReadString(16, "kind");
            var ns = reader.ReadU64("namespace");
            var height = reader.ReadU64("height");
            var state = reader.ReadBytes(int.MaxValue, "state");
            if (kind != genesis.Kind || ns != genesis.Namespace)
            {
                throw new InvalidDataException($"{path} holds the {kind} rollup of namespace {ns}, not the {genesis.Kind} rollup of namespace {genesis.Namespace}");
            }

            var machine = genesis.Decode(state);
            reader.EnsureEnd("executor state");
            var executor = new RollupExecutor(directory, verifier, machine, height);
            executor._roots[height] = machine.StateRoot();
            return executor;
        }
        catch (EncodingException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Follows the namespaces from the height after the last applied until cancelled.</summary>
    public async Task RunAsync(FairwayClient client, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var reads = _machine.Reads;
        await foreach (var block in client.StreamNamespaceAsync(Height + 1, reads[0], ct).ConfigureAwait(false))
        {
            var streams = new Dictionary<ulong, IReadOnlyList<ReadOnlyMemory<byte>>>
            {
                [reads[0]] = [.. block.Transactions.Select(t => t.Payload)],
            };

            // The other namespaces at the same height, each verified like the first.
            foreach (var other in reads.Skip(1))
            {
                var part = await client.GetNamespaceAsync(block.Height, other, ct).ConfigureAwait(false);
                streams[other] = [.. part.Transactions.Select(t => t.Payload)];
            }

            Apply(block.Height, streams);
        }
    }

    /// <summary>Applies one height and persists the result before it is served.</summary>
    public void Apply(ulong height, IReadOnlyDictionary<ulong, IReadOnlyList<ReadOnlyMemory<byte>>> streams)
    {
        ArgumentNullException.ThrowIfNull(streams);
        if (height <= Height)
        {
            return;
        }

        // Applied on a copy, so a reader never sees half a height, and a crash before the file is replaced loses nothing.
        var next = _machine.Decode(_machine.Encode());
        next.ApplyHeight(streams, _verifier);
        Persist(height, next);
        var root = next.StateRoot();
        lock (_gate)
        {
            _machine = next;
            Height = height;
            _roots[height] = root;
            while (_roots.Count > RootsKept)
            {
                _roots.Remove(_roots.Keys.First());
            }
        }
    }

    /// <summary>The machine as of <see cref="Height"/>, for reading (do not apply to it).</summary>
    public (ulong Height, RollupMachine Machine) Snapshot()
    {
        lock (_gate)
        {
            return (Height, _machine);
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

    private void Persist(ulong height, RollupMachine machine)
    {
        var encoded = machine.Encode();
        var writer = new CanonicalWriter(FileMagic.Length + 64 + encoded.Length);
        writer.WriteRaw(FileMagic);
        writer.WriteString(machine.Kind);
        writer.WriteU64(machine.Namespace);
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

using Fairway.Consensus.Engine;
using Fairway.Core.Encoding;

namespace Fairway.Storage;

/// <summary>
/// The test twin of <see cref="FileSafetyStore"/>. It keeps the encoded bytes rather than the object, so a test sees
/// exactly what a restart from disk would give back.
/// </summary>
public sealed class InMemorySafetyStore : ISafetyStore
{
    private readonly Lock _lock = new();
    private byte[]? _bytes;

    public SafetyState? Load()
    {
        lock (_lock)
        {
            return _bytes is null ? null : SafetyState.Decode(_bytes);
        }
    }

    public void Save(SafetyState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var bytes = Canonical.Encode(state);
        lock (_lock)
        {
            _bytes = bytes;
        }
    }
}

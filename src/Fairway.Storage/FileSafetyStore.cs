using System.Buffers.Binary;
using System.Security.Cryptography;
using Fairway.Consensus.Engine;
using Fairway.Core.Encoding;

namespace Fairway.Storage;

/// <summary>
/// Keeps the safety state in <c>safety.bin</c> inside one directory.
/// File layout: magic "FWSS", u32 little-endian payload length, SHA-256 of the payload, payload (canonical encoding).
/// Save writes a temp file, fsyncs it, renames it over <c>safety.bin</c> and fsyncs the directory: the rename is the
/// commit point, so after a crash the file holds either the old or the new state, never a mix.
/// Load refuses a damaged file loudly: treating it as "no state" would let a restarted validator sign twice.
/// </summary>
public sealed class FileSafetyStore : ISafetyStore
{
    public const string FileName = "safety.bin";
    public const string TempFileName = "safety.bin.tmp";

    private const int HeaderBytes = 4 + sizeof(uint) + SHA256.HashSizeInBytes;
    private const int PayloadBytesMax = 16 * 1024 * 1024;
    private static readonly byte[] Magic = "FWSS"u8.ToArray();

    private readonly Lock _lock = new();
    private readonly string _directory;
    private readonly string _path;
    private readonly string _tempPath;

    public FileSafetyStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        _directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(_directory);
        _path = Path.Combine(_directory, FileName);
        _tempPath = Path.Combine(_directory, TempFileName);
    }

    public string FilePath => _path;

    public SafetyState? Load()
    {
        lock (_lock)
        {
            // A temp file is a Save that crashed before its rename: it never became the state, so drop it.
            File.Delete(_tempPath);

            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(_path);
            }
            catch (FileNotFoundException)
            {
                return null;
            }

            return Decode(bytes);
        }
    }

    public void Save(SafetyState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        // Written from the encoder's buffer: a leader's state holds its proposal, on a fair chain hundreds of kilobytes.
        var writer = new CanonicalWriter(Canonical.InitialCapacity(state));
        state.Encode(writer);
        var payload = writer.WrittenSpan;
        if (payload.Length > PayloadBytesMax)
        {
            throw new ArgumentException($"safety state is {payload.Length} bytes, at most {PayloadBytesMax}", nameof(state));
        }

        var header = new byte[HeaderBytes];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)payload.Length);
        SHA256.HashData(payload, header.AsSpan(8));

        lock (_lock)
        {
            using (var stream = new FileStream(_tempPath, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(header);
                stream.Write(payload);
                stream.Flush(flushToDisk: true);
            }

            File.Move(_tempPath, _path, overwrite: true);
            DirectorySync.Fsync(_directory);
        }
    }

    private SafetyState Decode(byte[] bytes)
    {
        if (bytes.Length < HeaderBytes || !bytes.AsSpan(0, 4).SequenceEqual(Magic))
        {
            throw Corrupt($"{bytes.Length} bytes, no valid header");
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4));
        if (length != (ulong)(bytes.Length - HeaderBytes))
        {
            throw Corrupt($"header says {length} payload bytes, file has {bytes.Length - HeaderBytes}");
        }

        var payload = bytes.AsSpan(HeaderBytes);
        Span<byte> checksum = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(payload, checksum);
        if (!checksum.SequenceEqual(bytes.AsSpan(8, SHA256.HashSizeInBytes)))
        {
            throw Corrupt("checksum mismatch");
        }

        try
        {
            return SafetyState.Decode(payload);
        }
        catch (EncodingException e)
        {
            throw Corrupt("checksum matches but the state does not decode: " + e.Message, e);
        }
    }

    private InvalidDataException Corrupt(string why, Exception? inner = null) =>
        new($"safety state file {_path} is corrupt ({why}); refusing to start without it, since guessing could make this validator sign twice. Restore it from a backup or investigate by hand.", inner);
}

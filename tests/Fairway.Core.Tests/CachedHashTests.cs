using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Core.Tests;

/// <summary>
/// Cached hashes read by several threads at once. A <c>Hash?</c> cache (the earlier code) is four words and a flag
/// written in separate stores, so a reader racing the first computation can get a half-written hash: a batch stored
/// under a digest that names nothing, a block served with a hash its own bytes do not have.
/// </summary>
public class CachedHashTests
{
    private const int Objects = 100_000;

    [Fact]
    public void It_computes_once_and_then_answers_from_the_cache()
    {
        var cache = default(CachedHash);
        var calls = 0;
        var first = cache.GetOrCompute(7, n => { calls++; return Hash.Compute([(byte)n]); });
        var second = cache.GetOrCompute(8, n => { calls++; return Hash.Compute([(byte)n]); });
        Assert.Equal(Hash.Compute([7]), first);
        Assert.Equal(first, second);
        Assert.Equal(1, calls);
    }

    [Fact]
    public void Two_threads_racing_to_a_fresh_transaction_s_hash_both_read_the_whole_hash()
    {
        var payload = new byte[48];
        var expected = new Transaction(3, payload).Hash;
        Assert.Equal(0, TornReads(() => new Transaction(3, payload), t => t.Hash, expected));
    }

    [Fact]
    public void Negative_control_the_race_finds_half_written_hashes_in_a_nullable_cache()
    {
        var expected = Hash.Compute(new byte[48]);
        // A race may need a few rounds to overlap on a loaded machine; a round that overlaps finds many.
        var torn = 0;
        for (var round = 0; round < 50 && torn == 0; round++)
        {
            torn = TornReads(() => new NullableCache(), c => c.Hash, expected);
        }

        Assert.True(torn > 0, "a Hash? cache read by two threads at once is never seen half-written: the race does not test anything");
    }

    /// <summary>Two threads read the hash of each of many fresh objects at the same time; how many reads were wrong.</summary>
    private static int TornReads<T>(Func<T> make, Func<T, Hash> read, Hash expected)
    {
        var objects = new T[Objects];
        for (var i = 0; i < objects.Length; i++)
        {
            objects[i] = make();
        }

        var torn = 0;
        using var start = new Barrier(2);
        void Reader()
        {
            start.SignalAndWait();
            foreach (var o in objects)
            {
                if (read(o) != expected)
                {
                    Interlocked.Increment(ref torn);
                }
            }
        }

        var other = new Thread(Reader);
        other.Start();
        Reader();
        other.Join();
        return torn;
    }

    private sealed class NullableCache
    {
        private static readonly byte[] Data = new byte[48];
        private Hash? _hash;

        public Hash Hash => _hash ??= Hash.Compute(Data);
    }
}

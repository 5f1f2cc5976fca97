using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Consensus.Engine;

/// <summary>
/// The committed tip and every known block that descends from it. A block joins only when its parent is already
/// here, so every block in the tree links back to the committed tip; forks that cannot be committed are pruned
/// whenever the tip moves.
/// </summary>
internal sealed class BlockTree
{
    private readonly Dictionary<Hash, Block> _blocks = [];
    private readonly Dictionary<Hash, List<Block>> _children = [];
    private readonly int _blocksMax;

    public BlockTree(Block committedTip, int blocksMax)
    {
        CommittedTip = committedTip;
        _blocksMax = blocksMax;
        _blocks[committedTip.Hash] = committedTip;
    }

    public Block CommittedTip { get; private set; }

    public int Count => _blocks.Count;

    public bool Contains(Hash hash) => _blocks.ContainsKey(hash);

    public bool TryGet(Hash hash, out Block block) => _blocks.TryGetValue(hash, out block!);

    public InsertOutcome TryInsert(Block block)
    {
        if (_blocks.ContainsKey(block.Hash))
        {
            return InsertOutcome.AlreadyKnown;
        }

        if (block.Height <= CommittedTip.Height)
        {
            return InsertOutcome.Stale;
        }

        if (!_blocks.TryGetValue(block.ParentHash, out var parent))
        {
            return InsertOutcome.MissingParent;
        }

        if (block.Height != parent.Height + 1 || block.Round <= parent.Round)
        {
            return InsertOutcome.Invalid;
        }

        if (_blocks.Count >= _blocksMax)
        {
            return InsertOutcome.Full;
        }

        _blocks[block.Hash] = block;
        if (!_children.TryGetValue(parent.Hash, out var siblings))
        {
            siblings = new List<Block>(1);
            _children[parent.Hash] = siblings;
        }

        siblings.Add(block);
        return InsertOutcome.Inserted;
    }

    /// <summary>The blocks strictly after the committed tip up to and including <paramref name="target"/>, oldest first.</summary>
    public List<Block> PathFromCommittedTip(Block target)
    {
        var path = new List<Block>();
        var cursor = target;
        while (cursor.Hash != CommittedTip.Hash)
        {
            path.Add(cursor);
            cursor = _blocks[cursor.ParentHash];
        }

        path.Reverse();
        return path;
    }

    /// <summary>Moves the committed tip and drops every block that does not descend from it.</summary>
    public void AdvanceCommittedTip(Block newTip)
    {
        CommittedTip = newTip;
        var keep = new Dictionary<Hash, Block>();
        var stack = new Stack<Block>();
        stack.Push(newTip);
        while (stack.Count > 0)
        {
            var b = stack.Pop();
            keep[b.Hash] = b;
            if (_children.TryGetValue(b.Hash, out var kids))
            {
                foreach (var k in kids)
                {
                    stack.Push(k);
                }
            }
        }

        foreach (var hash in _blocks.Keys.Where(h => !keep.ContainsKey(h)).ToList())
        {
            _blocks.Remove(hash);
            _children.Remove(hash);
        }
    }
}

internal enum InsertOutcome
{
    Inserted,
    AlreadyKnown,
    MissingParent,
    Stale,
    Invalid,
    Full,
}

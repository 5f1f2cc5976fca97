using Fairway.Core.Chain;
using Fairway.Core.Crypto;

namespace Fairway.Consensus.Engine;

public sealed partial class ConsensusCore
{
    private const int WantedBlocksMax = 1024;

    /// <summary>
    /// Asks for a block the engine learned of (through a QC or a child) but does not hold. A block carried by a proposal
    /// buffered for its parent is not asked for while the root of its buffered chain is being fetched: it joins the tree
    /// once that root does. Asking anyway cost a validator catching up one request of many blocks per round it heard,
    /// nearly all of them copies (the fault campaign measured 40 received for each one missing). Once nothing fetches the
    /// root (its answer was dropped, or no peer had it), the block is asked for again, as before: that request is what
    /// heals a catch-up whose only fetch was lost.
    /// </summary>
    private void Want(Hash hash, int from)
    {
        if (_tree.Contains(hash) || _fetched.ContainsKey(hash) || _wanted.ContainsKey(hash) || ArrivesWithFetchedRoot(hash))
        {
            return;
        }

        if (_wanted.Count >= WantedBlocksMax)
        {
            Stats.Drop("too many wanted blocks");
            return;
        }

        var wanted = new WantedBlock();
        _wanted[hash] = wanted;
        RequestFrom(hash, wanted, from);
    }

    private void RequestFrom(Hash hash, WantedBlock wanted, int from)
    {
        var peer = from >= 0 && from != _self && _validators.Contains(from) ? from : NextSyncPeer();
        if (peer < 0)
        {
            return;
        }

        wanted.RequestedAtTick = _tick;
        Stats.SyncRequests++;
        Emit(new RequestBlocks(peer, hash, _config.SyncBlocksPerRequest));
    }

    private int NextSyncPeer()
    {
        if (_validators.Count == 1)
        {
            return -1;
        }

        _nextSyncPeer = (_nextSyncPeer + 1) % _validators.Count;
        if (_nextSyncPeer == _self)
        {
            _nextSyncPeer = (_nextSyncPeer + 1) % _validators.Count;
        }

        return _nextSyncPeer;
    }

    private void RetrySync()
    {
        if (_wanted.Count == 0)
        {
            return;
        }

        foreach (var (hash, wanted) in _wanted)
        {
            if (!wanted.Requested || _tick - wanted.RequestedAtTick >= _config.SyncRetryTicks)
            {
                RequestFrom(hash, wanted, -1);
            }
        }
    }

    private void OnSyncResponse(int from, IReadOnlyList<Block> blocks)
    {
        if (blocks is null || blocks.Count > Limits.BlocksPerSyncResponseMax)
        {
            Stats.Drop("oversized sync response");
            return;
        }

        foreach (var block in blocks)
        {
            if (block.ChainId != _chainId)
            {
                Stats.Drop("synced block from another chain");
                continue;
            }

            // Only blocks whose hash a verified QC or a known child vouches for are taken, so a peer cannot plant blocks.
            if (!_wanted.Remove(block.Hash))
            {
                Stats.Drop("unrequested block");
                continue;
            }

            AcceptFetched(block);
        }

        foreach (var (hash, wanted) in _wanted)
        {
            if (!wanted.Requested)
            {
                RequestFrom(hash, wanted, from);
            }
        }
    }

    private void AcceptFetched(Block block)
    {
        switch (_tree.TryInsert(block))
        {
            case InsertOutcome.Inserted:
                OnBlockInserted(block);
                break;
            case InsertOutcome.MissingParent when block.Height > CommittedTip.Height + 1:
                if (_fetched.Count >= _config.FetchedBlocksMax)
                {
                    Stats.Drop("fetched block pool full");
                    return;
                }

                _fetched[block.Hash] = block;
                if (!_fetchedByParent.TryGetValue(block.ParentHash, out var siblings))
                {
                    siblings = [];
                    _fetchedByParent[block.ParentHash] = siblings;
                }

                siblings.Add(block);
                if (!_tree.Contains(block.ParentHash) && !_fetched.ContainsKey(block.ParentHash) && _wanted.Count < WantedBlocksMax)
                {
                    _wanted.TryAdd(block.ParentHash, new WantedBlock());
                }

                break;
            case InsertOutcome.MissingParent:
                Stats.Drop("synced block does not extend the committed chain");
                break;
            case InsertOutcome.AlreadyKnown:
            case InsertOutcome.Stale:
                break;
            default:
                Stats.Drop("synced block rejected by the block tree");
                break;
        }
    }

    /// <summary>
    /// A block joined the tree: store it, attach fetched descendants waiting for it, apply the commit rule, and
    /// resume proposals that were waiting for it. Uses a work list so a long catch-up does not recurse deeply.
    /// </summary>
    private void OnBlockInserted(Block inserted)
    {
        var work = new Queue<Block>();
        work.Enqueue(inserted);
        while (work.Count > 0)
        {
            var block = work.Dequeue();
            Emit(new PersistBlock(block));

            if (_tree.TryGet(block.ParentHash, out var parent))
            {
                ApplyCommitRule(parent, block.Justify);
            }

            if (_certified.TryGetValue(block.Hash, out var certificate))
            {
                ApplyCommitRule(block, certificate);
            }

            if (_fetchedByParent.Remove(block.Hash, out var children))
            {
                foreach (var child in children)
                {
                    _fetched.Remove(child.Hash);
                    if (_tree.TryInsert(child) == InsertOutcome.Inserted)
                    {
                        work.Enqueue(child);
                    }
                }
            }

            if (_pendingProposals.Remove(block.Hash, out var waiting))
            {
                foreach (var (proposer, proposal, local) in waiting)
                {
                    ReleasePendingBlock(proposal.Block.Hash);
                    OnProposal(proposer, proposal, local);
                }
            }

            if (block.Hash == HighQc.BlockHash && LeaderOf(_round) == _self)
            {
                TryStartProposal();
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="hash"/> is carried by a buffered proposal whose chain (buffered proposals, then fetched
    /// blocks, each waiting for its parent) ends in a block that is wanted: it will arrive with that fetch.
    /// </summary>
    private bool ArrivesWithFetchedRoot(Hash hash)
    {
        if (!_pendingBlocks.ContainsKey(hash))
        {
            return false;
        }

        var at = hash;
        for (var steps = 0; steps <= _config.PendingProposalsMax + _config.FetchedBlocksMax; steps++)
        {
            if (_pendingBlocks.TryGetValue(at, out var pending))
            {
                at = pending.Parent;
            }
            else if (_fetched.TryGetValue(at, out var fetched))
            {
                at = fetched.ParentHash;
            }
            else
            {
                return _wanted.ContainsKey(at);
            }
        }

        return false;
    }

    private void HoldPendingBlock(Block block) =>
        _pendingBlocks[block.Hash] = (_pendingBlocks.GetValueOrDefault(block.Hash).Count + 1, block.ParentHash);

    private void ReleasePendingBlock(Hash block)
    {
        if (_pendingBlocks.TryGetValue(block, out var pending))
        {
            if (pending.Count <= 1)
            {
                _pendingBlocks.Remove(block);
            }
            else
            {
                _pendingBlocks[block] = (pending.Count - 1, pending.Parent);
            }
        }
    }
}

namespace Fairway.Chaos.History;

/// <summary>
/// Collects findings under a cap. One fault can produce thousands of findings of one kind (a diverged height puts every
/// transaction in it at a different position), so the cap is shared out evenly across kinds rather than first come:
/// a report that hit the cap still shows every kind that fired.
/// </summary>
internal sealed class FindingSink(int cap)
{
    private readonly Dictionary<string, List<Finding>> _kept = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _totals = new(StringComparer.Ordinal);

    public void Add(string kind, string detail)
    {
        _totals[kind] = Total(kind) + 1;
        if (!_kept.TryGetValue(kind, out var list))
        {
            list = [];
            _kept[kind] = list;
        }
        if (list.Count < cap)
            list.Add(new Finding(kind, detail));
    }

    public int Total(string kind) => _totals.GetValueOrDefault(kind);

    public int TotalAll => _totals.Values.Sum();

    /// <summary>At most cap findings, grouped by kind in <see cref="FindingKinds.All"/> order.</summary>
    public IReadOnlyList<Finding> Select()
    {
        var kinds = FindingKinds.All.Concat(_kept.Keys.Where(k => !FindingKinds.All.Contains(k)).Order(StringComparer.Ordinal))
            .Where(_kept.ContainsKey)
            .ToList();
        var quota = new int[kinds.Count];
        var left = cap;
        var grew = true;
        while (left > 0 && grew)
        {
            grew = false;
            for (var k = 0; k < kinds.Count && left > 0; k++)
            {
                if (quota[k] < _kept[kinds[k]].Count)
                {
                    quota[k]++;
                    left--;
                    grew = true;
                }
            }
        }
        var selected = new List<Finding>(cap - left);
        for (var k = 0; k < kinds.Count; k++)
            selected.AddRange(_kept[kinds[k]].Take(quota[k]));
        return selected;
    }
}

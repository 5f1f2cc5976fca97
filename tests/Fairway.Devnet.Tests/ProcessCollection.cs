namespace Fairway.Devnet.Tests;

/// <summary>Process tests run one at a time: four validators each is what a 2-core machine can carry.</summary>
[CollectionDefinition("processes", DisableParallelization = true)]
public sealed class ProcessCollection;

using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Running;
using FaceStudio.Benchmarks;

// Run a subset with: dotnet run -c Release --project benchmarks/FaceStudio.Benchmarks -- --filter '*Scheduler*'
// (docs/performance.md lists the classes and the per-step figures). Results: BenchmarkDotNet.Artifacts/results/*.json|*.md
IConfig config = ManualConfig.Create(DefaultConfig.Instance)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .AddExporter(JsonExporter.Full, MarkdownExporter.GitHub)
    .AddColumn(new PerStepColumn(), CategoriesColumn.Default);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);

using BenchmarkDotNet.Running;

// Run a subset with: dotnet run -c Release --project benchmarks/FaceStudio.Benchmarks -- --filter '*Scheduler*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

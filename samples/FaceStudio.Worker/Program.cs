using FaceStudio.Core.Imaging;
using FaceStudio.Jobs;
using FaceStudio.Jobs.Redis;
using FaceStudio.Worker;
using Microsoft.Extensions.Options;

// The FaceStudio worker: a Generic Host whose one BackgroundService takes generation jobs from a Redis stream
// (consumer group), runs them on the pipeline configured under "FaceStudio" (unset ModelPack: the demo pack) and stores
// the results. One process per GPU. SIGTERM (docker stop, Ctrl+C) stops taking work, lets running jobs finish for
// FaceStudio:Jobs:ShutdownGrace and hands the rest back.
//
//   dotnet FaceStudio.Worker.dll --FaceStudio:Jobs:Redis localhost:6379 [--FaceStudio:Jobs:Concurrency 1]
//     [--FaceStudio:Jobs:Stream facestudio:jobs] [--FaceStudio:Jobs:Consumer gpu0] [--FaceStudio:ModelPack DIR]
HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
// The pipeline from "FaceStudio" (ModelPack: a model pack folder, or "demo" / unset for the random-weight demo pack,
// announced with a warning), the PNG codec, and the job queue from "FaceStudio:Jobs".
IFaceStudioBuilder faceStudio = builder.Services.AddFaceStudio(builder.Configuration.GetSection("FaceStudio"))
    .UseDemoPack()
    .AddImaging()
    .AddRedisJobs(builder.Configuration.GetSection("FaceStudio:Jobs"));

// Broker benchmarks only: a fixed delay per job instead of the pipeline (see SimulatedExecutor).
int simulateMs = builder.Configuration.GetValue("FaceStudio:Jobs:SimulateGenerationMs", 0);
if (simulateMs > 0)
{
    builder.Services.AddSingleton<IJobExecutor>(sp => new SimulatedExecutor(sp.GetRequiredService<IImageCodec>(), simulateMs));
}

faceStudio.AddJobWorker();

// Shutdown must outlast the jobs' grace period, or running jobs are cut off before they are handed back.
builder.Services.AddOptions<HostOptions>().Configure<IOptions<RedisJobsOptions>>((host, jobs) =>
    host.ShutdownTimeout = jobs.Value.ShutdownGrace + TimeSpan.FromSeconds(15));

using IHost host = builder.Build();
await host.RunAsync();

using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace FaceStudio.Web.BrowserTests;

/// <summary>The studio page at <c>/</c> in Debian's Chromium, against the web sample on a loopback port (demo pack).</summary>
public sealed partial class StudioPageTests(StudioServer server, Browser browser) : IClassFixture<StudioServer>, IClassFixture<Browser>
{
    private const float DefaultTimeout = 30_000;

    [Fact]
    public async Task Two_people_a_style_and_drawn_regions_generate_with_previews_then_the_result_with_metadata()
    {
        server.Pace.Reset();
        server.Pace.StepDelay = TimeSpan.FromMilliseconds(120);
        (IBrowserContext context, IPage page, List<string> consoleErrors) = await OpenAsync(1280, 1000);
        await using (context)
        {
            // Person 1: two photos; person 2: one group photo, a different face picked.
            ILocator person1 = page.Locator(".person").Nth(0);
            await person1.Locator(".person-file").SetInputFilesAsync([server.File("person1-a.png"), server.File("person1-b.png")]);
            await page.GetByRole(AriaRole.Button, new() { Name = "Add a person" }).ClickAsync();
            ILocator person2 = page.Locator(".person").Nth(1);
            await Expect(person2.Locator(".person-file")).ToBeFocusedAsync();
            await DropFileAsync(person2.Locator(".drop"), server.File("person2.png")); // drag and drop
            await Expect(person1.Locator(".photo")).ToHaveCountAsync(2);
            await Expect(person1.Locator(".photo").Nth(1).Locator(".face-box").First).ToBeVisibleAsync();
            await Expect(person2.Locator(".face-box").First).ToBeVisibleAsync();
            int shown = await person2.Locator(".face-box").CountAsync();
            Assert.Equal(3, shown); // the three faces of the tiled group photo
            ILocator chips = person2.GetByRole(AriaRole.Button, new() { Name = "Face " });
            await Expect(chips).ToHaveCountAsync(shown);
            await Expect(chips.First).ToHaveAttributeAsync("aria-pressed", "true");
            await chips.Nth(1).ClickAsync();
            await Expect(chips.Nth(1)).ToHaveAttributeAsync("aria-pressed", "true");
            await Expect(chips.Nth(1)).ToBeFocusedAsync();
            await Expect(chips.First).ToHaveAttributeAsync("aria-pressed", "false");
            await Expect(person2.Locator(".face-box[data-picked='true']")).ToHaveCountAsync(1);

            await page.Locator("#style-file").SetInputFilesAsync(server.File("style.png"));
            await Expect(page.Locator("#style-preview img")).ToBeVisibleAsync();

            await page.Locator("#width").FillAsync("128");
            await page.Locator("#height").FillAsync("128");
            await page.Locator("#height").DispatchEventAsync("change");
            await page.Locator("#steps").FillAsync("12");
            await page.Locator("#seed").FillAsync("7");
            await page.Locator("#prompt").FillAsync("two friends in a garden");

            // Draw both regions on the canvas with the mouse.
            await page.GetByRole(AriaRole.Radio, new() { Name = "Person 1" }).CheckAsync();
            await DragAsync(page, (0.05, 0.05), (0.45, 0.95));
            AssertNear([6, 6, 51, 115], await RegionAsync(page, 1));
            await DragAsync(page, (0.25, 0.5), (0.30, 0.5)); // inside the region: moves it
            await page.GetByRole(AriaRole.Radio, new() { Name = "Person 2" }).CheckAsync();
            await DragAsync(page, (0.55, 0.05), (0.95, 0.95));
            int[] r1 = await RegionAsync(page, 1);
            int[] r2 = await RegionAsync(page, 2);
            AssertNear([13, 6, 51, 115], r1);
            AssertNear([70, 6, 51, 115], r2);

            // Keyboard: the canvas moves the selected region with the arrow keys.
            await page.Locator("#region-canvas").FocusAsync();
            await page.Keyboard.PressAsync("ArrowLeft");
            int[] moved = await RegionAsync(page, 2);
            Assert.True(moved[0] < r2[0], $"ArrowLeft should move person 2's region left: {r2[0]} → {moved[0]}");
            await Shot(page, "studio-inputs-desktop");

            // Previews: every src the preview image takes.
            await page.EvaluateAsync("""
                () => {
                  window.__previews = [];
                  new MutationObserver(() => window.__previews.push(document.querySelector('#preview').src))
                    .observe(document.querySelector('#preview'), { attributes: true, attributeFilter: ['src'] });
                }
                """);
            await page.GetByRole(AriaRole.Button, new() { Name = "Generate" }).ClickAsync();
            await Expect(page.Locator("#progress-text")).ToContainTextAsync(StepsPattern());
            await Expect(page.Locator("#cancel")).ToBeEnabledAsync();
            await page.WaitForFunctionAsync("() => window.__previews.length >= 2");
            await Shot(page, "studio-running-desktop");

            await Expect(page.Locator("#result-card")).ToBeVisibleAsync(new() { Timeout = 60_000 });
            await Expect(page.Locator("#status")).ToContainTextAsync("seed 7");
            int previews = await page.EvaluateAsync<int>("() => new Set(window.__previews).size");
            Assert.True(previews >= 3, $"Expected latent previews to arrive step by step but saw {previews}.");
            Assert.Equal(12, server.Pace.Calls);
            Assert.StartsWith("data:image/png;base64,", await page.Locator("#result-image").GetAttributeAsync("src"), StringComparison.Ordinal);
            Assert.Equal(128, await page.Locator("#result-image").EvaluateAsync<int>("img => img.naturalWidth"));
            await Expect(page.Locator("#progress")).ToHaveJSPropertyAsync("value", 1);

            // Metadata, similarity (the demo pack has a detector and an embedder), download, regions overlay, history.
            ILocator metadata = page.Locator("#metadata");
            await Expect(metadata).ToContainTextAsync("Seed7");
            await Expect(metadata).ToContainTextAsync("Schedulereuler-a");
            await Expect(metadata).ToContainTextAsync("Size128×128");
            await Expect(metadata).ToContainTextAsync("Noisetorch-cpu"); // the menu's first entry, the pipeline's default
            await Expect(page.Locator("#noise-field")).ToBeVisibleAsync();
            await Expect(metadata).ToContainTextAsync("Identity similarity");
            await Expect(metadata).ToContainTextAsync("Person 2:");
            ILocator download = page.GetByRole(AriaRole.Link, new() { Name = "Download PNG" });
            await Expect(download).ToHaveAttributeAsync("download", "facestudio-7.png");
            Assert.StartsWith("data:image/png;base64,", await download.GetAttributeAsync("href"), StringComparison.Ordinal);
            await Expect(page.Locator("#result-overlay")).ToBeHiddenAsync();
            await page.GetByLabel("Show regions").CheckAsync();
            await Expect(page.Locator("#result-overlay")).ToBeVisibleAsync();
            await Expect(page.Locator("#result-overlay rect")).ToHaveCountAsync(2);
            await Expect(page.Locator("#result-inputs figure")).ToHaveCountAsync(3); // two people and the style image
            await Expect(page.Locator("#history li")).ToHaveCountAsync(1);
            await page.Locator("#result-card").ScreenshotAsync(new() { Path = Path.Combine(Browser.ScreenshotFolder, "studio-result-card.png") });
            await Shot(page, "studio-result-desktop", fullPage: true);

            // A second run with another seed: the history keeps both, newest first.
            await page.Locator("#seed").FillAsync("8");
            await page.Locator("#seed").PressAsync("Enter");
            await Expect(page.Locator("#status")).ToContainTextAsync("seed 8", new() { Timeout = 60_000 });
            await Expect(page.Locator("#history li")).ToHaveCountAsync(2);
            await page.Locator("#history li").Nth(1).GetByRole(AriaRole.Button).ClickAsync();
            await Expect(metadata).ToContainTextAsync("Seed7");

            // Phone width: one column, nothing wider than the screen.
            await page.SetViewportSizeAsync(390, 844);
            await AssertNoHorizontalScrollAsync(page);
            await Shot(page, "studio-result-phone", fullPage: true);
            Assert.Empty(consoleErrors);
        }
    }

    [Fact]
    public async Task Cancel_stops_the_generation_on_the_server_within_a_step()
    {
        server.Pace.Reset();
        server.Pace.StepDelay = TimeSpan.FromMilliseconds(400);
        (IBrowserContext context, IPage page, List<string> consoleErrors) = await OpenAsync(1280, 1000);
        await using (context)
        {
            await page.Locator(".person .person-file").SetInputFilesAsync(server.File("person2.png"));
            await Expect(page.Locator(".person .face-box").First).ToBeVisibleAsync();
            await page.Locator("#width").FillAsync("64");
            await page.Locator("#height").FillAsync("64");
            await page.Locator("#steps").FillAsync("40");

            await page.GetByRole(AriaRole.Button, new() { Name = "Generate" }).ClickAsync();
            // Poll the readout every 20 ms (Playwright's own expect polling backs off to 1 s and can miss a step on a
            // loaded machine); cancel as soon as the second step (or a later one) has been shown.
            await page.WaitForFunctionAsync(
                "() => /Step ([2-9]|[1-9][0-9]) \\/ 40/.test(document.querySelector('#progress-text').textContent)",
                null,
                new() { PollingInterval = 20, Timeout = 30_000 });
            await page.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
            await Expect(page.Locator("#status")).ToContainTextAsync(CancelledPattern());
            await Expect(page.Locator("#generate")).ToBeEnabledAsync();
            await Expect(page.Locator("#cancel")).ToBeDisabledAsync();
            await Shot(page, "studio-cancelled-desktop");

            // The server stopped inside the running step (its wait was cut short) and runs no further steps.
            await WaitUntilAsync(() => server.Pace.CancelledInStep == 1, "the running step to see the cancellation");
            int calls = server.Pace.Calls;
            Assert.InRange(calls, 2, 12);
            await Task.Delay(1200);
            Assert.Equal(calls, server.Pace.Calls);
            await Expect(page.Locator("#result-card")).ToBeHiddenAsync();
            Assert.Empty(consoleErrors);
        }
    }

    [Fact]
    public async Task Errors_of_the_api_show_next_to_the_field_concerned()
    {
        server.Pace.Reset();
        server.Pace.StepDelay = TimeSpan.Zero;
        (IBrowserContext context, IPage page, _) = await OpenAsync(1280, 1000);
        await using (context)
        {
            // A file that is no image: the server's message appears under that person's photos.
            ILocator person = page.Locator(".person").First;
            await person.Locator(".person-file").SetInputFilesAsync(server.File("notes.txt"));
            await Expect(person.Locator(".person-error")).ToContainTextAsync("notes.txt");
            await Expect(person.Locator(".person-error")).ToContainTextAsync("not in a supported format");
            await Expect(person.Locator(".person-file")).ToHaveAttributeAsync("aria-invalid", "true");
            await Shot(page, "studio-error-upload-desktop");

            // Empty prompt, sent with Enter from a field: the server's field error sits under the prompt, which gets focus.
            await person.Locator(".photo").GetByRole(AriaRole.Button, new() { Name = "Remove photo notes.txt" }).ClickAsync();
            await Expect(person.Locator(".person-error")).ToBeEmptyAsync();

            // A photo over the server's body limit: its 413 message, under that person too.
            await person.Locator(".person-file").SetInputFilesAsync(new FilePayload { Name = "huge.png", MimeType = "image/png", Buffer = new byte[StudioServer.MaxRequestBytes + 1] });
            await Expect(person.Locator(".person-error")).ToContainTextAsync("larger than this server accepts");
            await person.Locator(".photo").GetByRole(AriaRole.Button, new() { Name = "Remove photo huge.png" }).ClickAsync();
            await person.Locator(".person-file").SetInputFilesAsync(server.File("person1-a.png"));
            await Expect(person.Locator(".face-box").First).ToBeVisibleAsync();
            await page.Locator("#prompt").FillAsync(string.Empty);
            await page.Locator("#seed").PressAsync("Enter");
            await Expect(page.Locator("#error-prompt")).ToContainTextAsync("prompt");
            await Expect(page.Locator("#prompt")).ToBeFocusedAsync();
            await Expect(page.Locator("#prompt")).ToHaveAttributeAsync("aria-invalid", "true");

            // Too many steps: under the steps field.
            await page.Locator("#prompt").FillAsync("a portrait");
            await Expect(page.Locator("#error-prompt")).ToBeEmptyAsync();
            await page.Locator("#steps").FillAsync("500");
            await page.GetByRole(AriaRole.Button, new() { Name = "Generate" }).ClickAsync();
            await Expect(page.Locator("#error-steps")).ToContainTextAsync("at most 50 steps");
            await Expect(page.Locator("#steps")).ToBeFocusedAsync();

            // A size the pipeline rejects: under the width field.
            await page.Locator("#steps").FillAsync("2");
            await page.Locator("#width").FillAsync("100");
            await page.GetByRole(AriaRole.Button, new() { Name = "Generate" }).ClickAsync();
            await Expect(page.Locator("#error-width")).ToContainTextAsync("100");
            await Expect(page.Locator("#width")).ToBeFocusedAsync();
            await Shot(page, "studio-error-fields-desktop", fullPage: true);

            // Automatic regions need a style image.
            await page.Locator("#width").FillAsync("64");
            await page.GetByRole(AriaRole.Button, new() { Name = "Add a person" }).ClickAsync();
            await page.Locator(".person").Nth(1).Locator(".person-file").SetInputFilesAsync(server.File("person2.png"));
            await Expect(page.Locator(".person").Nth(1).Locator(".face-box").First).ToBeVisibleAsync();
            await page.GetByLabel("Automatic from the style image's faces").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Generate" }).ClickAsync();
            await Expect(page.Locator("#error-style")).ToContainTextAsync("style image");

            // The style image (a gradient) has no face for the two people: the stream's error event names the regions.
            await page.Locator("#style-file").SetInputFilesAsync(server.File("style.png"));
            await Expect(page.Locator("#error-style")).ToBeEmptyAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Generate" }).ClickAsync();
            await Expect(page.Locator("#error-regions")).ToContainTextAsync("Automatic regions need one face per identity");
            await Expect(page.Locator("#status")).ToContainTextAsync("invalid");

            await page.SetViewportSizeAsync(390, 844);
            await AssertNoHorizontalScrollAsync(page);
            await Shot(page, "studio-error-phone", fullPage: true);
        }
    }

    [Fact]
    public async Task Queue_mode_posts_a_job_in_the_form_of_generate_follows_its_events_and_shows_its_image()
    {
        // The /jobs endpoints of queue mode (FaceStudio:Jobs:Redis) answered by the browser's router with their contract:
        // POST /jobs → 202 {id}; GET /jobs/{id}/events → state-named status events; GET /jobs/{id}/image → PNG.
        var posted = new List<string>();
        byte[] png = await File.ReadAllBytesAsync(server.File("style.png"));
        async Task Routes(IPage page)
        {
            await page.RouteAsync("**/studio/config", async route =>
            {
                IAPIResponse real = await route.FetchAsync();
                string json = (await real.TextAsync()).Replace("\"mode\":\"stream\"", "\"mode\":\"jobs\"", StringComparison.Ordinal);
                await route.FulfillAsync(new() { Response = real, Body = json });
            });
            await page.RouteAsync("**/jobs", async route =>
            {
                posted.Add(System.Text.Encoding.UTF8.GetString(route.Request.PostDataBuffer ?? []));
                await route.FulfillAsync(new() { Status = 202, ContentType = "application/json", Body = "{\"id\":\"0123abcd\"}" });
            });
            await page.RouteAsync("**/jobs/0123abcd/events", route => route.FulfillAsync(new()
            {
                ContentType = "text/event-stream",
                Body = string.Concat(
                    "event: queued\ndata: {\"id\":\"0123abcd\",\"state\":\"queued\"}\n\n",
                    "event: running\ndata: {\"id\":\"0123abcd\",\"state\":\"running\",\"step\":1,\"totalSteps\":3,\"worker\":\"w1\"}\n\n",
                    "event: running\ndata: {\"id\":\"0123abcd\",\"state\":\"running\",\"step\":3,\"totalSteps\":3,\"worker\":\"w1\"}\n\n",
                    "event: succeeded\ndata: {\"id\":\"0123abcd\",\"state\":\"succeeded\",\"step\":3,\"totalSteps\":3,\"worker\":\"w1\"}\n\n"),
            }));
            await page.RouteAsync("**/jobs/0123abcd/image", route => route.FulfillAsync(new() { ContentType = "image/png", BodyBytes = png }));
        }

        (IBrowserContext context, IPage page, List<string> consoleErrors) = await OpenAsync(1280, 1000, Routes);
        await using (context)
        {
            await Expect(page.Locator("#server-note")).ToContainTextAsync("Queue mode");
            await Expect(page.Locator("#region-editor")).ToBeHiddenAsync();
            await page.Locator(".person .person-file").SetInputFilesAsync([server.File("person1-a.png"), server.File("person1-b.png")]);
            await Expect(page.Locator(".person .face-box").First).ToBeVisibleAsync();
            await page.Locator("#seed").FillAsync("5");
            await page.GetByRole(AriaRole.Button, new() { Name = "Generate" }).ClickAsync();

            await Expect(page.Locator("#result-card")).ToBeVisibleAsync();
            await Expect(page.Locator("#metadata")).ToContainTextAsync("Workerw1");
            await Expect(page.Locator("#metadata")).ToContainTextAsync("Seed5");
            Assert.Equal(192, await page.Locator("#result-image").EvaluateAsync<int>("img => img.naturalWidth"));
            string form = Assert.Single(posted);
            Assert.Single(Regex.Matches(form, "name=\"face\""));          // the first photo of the one person
            Assert.DoesNotMatch("name=\"(person0|pick0|region0|regions)\"", form); // studio-only fields stay out
            Assert.Contains("name=\"seed\"", form, StringComparison.Ordinal);
            await Shot(page, "studio-queue-mode-desktop");
            Assert.Empty(consoleErrors);
        }
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    private async Task<(IBrowserContext Context, IPage Page, List<string> ConsoleErrors)> OpenAsync(int width, int height, Func<IPage, Task>? routes = null)
    {
        IBrowserContext context = await browser.Instance.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, BaseURL = server.Address.ToString() });
        context.SetDefaultTimeout(DefaultTimeout);
        IPage page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            // Chromium logs every 4xx answer as "Failed to load resource"; the page handles those itself.
            if (message.Type == "error" && !message.Text.Contains("Failed to load resource", StringComparison.Ordinal))
            {
                errors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => errors.Add(error);
        if (routes is not null)
        {
            await routes(page);
        }

        await page.GotoAsync("/");
        await page.WaitForSelectorAsync("body[data-ready='true']");
        return (context, page, errors);
    }

    /// <summary>Drops a file on <paramref name="target"/> as a drag and drop from the desktop would.</summary>
    private static async Task DropFileAsync(ILocator target, string path)
    {
        string base64 = Convert.ToBase64String(await File.ReadAllBytesAsync(path));
        IJSHandle transfer = await target.Page.EvaluateHandleAsync(
            """
            ([name, data]) => {
              const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
              const dt = new DataTransfer();
              dt.items.add(new File([bytes], name, { type: 'image/png' }));
              return dt;
            }
            """,
            new object[] { Path.GetFileName(path), base64 });
        await target.DispatchEventAsync("dragover", new Dictionary<string, object> { ["dataTransfer"] = transfer });
        await target.DispatchEventAsync("drop", new Dictionary<string, object> { ["dataTransfer"] = transfer });
    }

    private static async Task DragAsync(IPage page, (double X, double Y) from, (double X, double Y) to)
    {
        await page.Locator("#region-canvas").ScrollIntoViewIfNeededAsync();
        LocatorBoundingBoxResult box = (await page.Locator("#region-canvas").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync((float)(box.X + (from.X * box.Width)), (float)(box.Y + (from.Y * box.Height)));
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync((float)(box.X + (to.X * box.Width)), (float)(box.Y + (to.Y * box.Height)), new() { Steps = 8 });
        await page.Mouse.UpAsync();
    }

    /// <summary>
    /// Person <paramref name="n"/>'s region from the page's readout (corners <c>x0,y0,x1,y1</c> and the size): x, y,
    /// width, height in output pixels.
    /// </summary>
    private static async Task<int[]> RegionAsync(IPage page, int n)
    {
        string text = await page.Locator("#region-readout").InnerTextAsync();
        Match m = Regex.Match(text, $@"Person {n}: x0,y0,x1,y1 (\d+),(\d+),(\d+),(\d+) \((\d+)×(\d+) px\)");
        Assert.True(m.Success, $"No region for person {n} in '{text}'.");
        int[] v = [.. m.Groups.Values.Skip(1).Select(g => int.Parse(g.Value, CultureInfo.InvariantCulture))];
        Assert.Equal((v[2] - v[0], v[3] - v[1]), (v[4], v[5]));
        return [v[0], v[1], v[4], v[5]];
    }

    private static void AssertNear(int[] expected, int[] actual)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 3, $"Region [{string.Join(", ", actual)}] is not near [{string.Join(", ", expected)}].");
        }
    }

    private static async Task AssertNoHorizontalScrollAsync(IPage page)
    {
        int overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"The page is {overflow} px wider than the phone's screen.");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }

    private static async Task Shot(IPage page, string name, bool fullPage = false) =>
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.ScreenshotFolder, name + ".png"), FullPage = fullPage });

    [GeneratedRegex(@"Step \d+ / \d+ · [\d.]+ steps/s · ETA")]
    private static partial Regex StepsPattern();

    [GeneratedRegex(@"Cancelled at step \d+ of 40")]
    private static partial Regex CancelledPattern();
}

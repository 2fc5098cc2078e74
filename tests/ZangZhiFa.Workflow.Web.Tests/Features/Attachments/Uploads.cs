using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace ZangZhiFa.Workflow.Web.Tests.Features.Attachments;

/// <summary>Files as a complainant would attach them, and the multipart request that carries them.</summary>
public static class Uploads
{
    public static byte[] Pdf(string marker = "证据") =>
        Encoding.UTF8.GetBytes($"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% {marker}\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    public static byte[] Png() => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];

    /// <summary>A Windows program: "MZ" header, whatever it is named.</summary>
    public static byte[] Exe() => [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00];

    /// <summary>An OLE compound file whose directory names <paramref name="stream"/> (WordDocument: a .doc; none: e.g. an .msi).</summary>
    public static byte[] Ole(string? stream)
    {
        var data = new byte[2048];
        new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 }.CopyTo(data, 0);
        if (stream is not null)
        {
            Encoding.Unicode.GetBytes(stream + "\0").CopyTo(data, 1024);
        }

        return data;
    }

    /// <summary>A zip with the given entries: with [Content_Types].xml and word/ it is a .docx.</summary>
    public static byte[] Zip(params string[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(entry).Open());
                writer.Write("<x/>");
            }
        }

        return buffer.ToArray();
    }

    public static byte[] Sized(long bytes, byte[] head)
    {
        var data = new byte[bytes];
        head.CopyTo(data, 0);
        return data;
    }

    /// <summary>The JSON complaint's fields as form fields of the same names, plus the files under <c>attachments</c>.</summary>
    public static MultipartFormDataContent Form(JsonObject fields, params (string Name, byte[] Content)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value is null ? "" : value.GetValueKind() == System.Text.Json.JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString()), name);
        }

        foreach (var (name, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "attachments", name);
        }

        return form;
    }

    public static async Task<(HttpResponseMessage Response, JsonObject? Body)> SubmitAsync(HttpClient client, MultipartFormDataContent form, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/complaints") { Content = form };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length == 0 ? null : JsonNode.Parse(text)?.AsObject());
    }
}

namespace ZangZhiFa.Workflow.Web.Components.Public;

/// <summary>Tracking number + query code, as typed on the tracking page.</summary>
public sealed class TrackLookupInput
{
    public string? TrackingNumber { get; set; }

    public string? QueryCode { get; set; }
}

/// <summary>The satisfaction form (回访评价).</summary>
public sealed class RatingInput
{
    public string? Rating { get; set; }

    public string? Comment { get; set; }
}

/// <summary>The supplement form (补正).</summary>
public sealed class SupplementInput
{
    public string? Text { get; set; }
}

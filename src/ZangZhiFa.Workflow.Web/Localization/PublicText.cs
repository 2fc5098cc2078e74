namespace ZangZhiFa.Workflow.Web.Localization;

/// <summary>
/// Marker for the public pages' text (<c>PublicText.resx</c>: Chinese, the neutral language;
/// <c>PublicText.bo.resx</c>: Tibetan). Keys are stable identifiers such as <c>Form.Phone</c>.
/// </summary>
public sealed class PublicText;

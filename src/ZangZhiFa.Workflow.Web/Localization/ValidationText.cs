namespace ZangZhiFa.Workflow.Web.Localization;

/// <summary>
/// Marker for the translations of the handlers' validation messages. The handlers (and so the JSON API) speak
/// Chinese; the key of each entry in <c>ValidationText.bo.resx</c> is that exact Chinese message, so a page asks
/// <c>localizer[message]</c> and gets Tibetan under <c>bo-CN</c> and the message itself under <c>zh-CN</c>. A message
/// without a translation shows in Chinese; a test checks every message the handlers produce has one.
/// </summary>
public sealed class ValidationText;

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ZangZhiFa.Workflow.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class DropJournalCorrelationIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_journal_CorrelationId",
                table: "journal");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_journal_CorrelationId",
                table: "journal",
                column: "CorrelationId");
        }
    }
}

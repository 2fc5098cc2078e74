using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ZangZhiFa.Workflow.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AddComplaintAttachments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "complaint_attachments",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ComplaintId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Ordinal = table.Column<int>(type: "INTEGER", nullable: false),
                    FileName = table.Column<string>(type: "TEXT", maxLength: 255, nullable: false),
                    ContentType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Size = table.Column<long>(type: "INTEGER", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_complaint_attachments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_complaint_attachments_complaints_ComplaintId",
                        column: x => x.ComplaintId,
                        principalTable: "complaints",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_complaint_attachments_ComplaintId_Ordinal",
                table: "complaint_attachments",
                columns: new[] { "ComplaintId", "Ordinal" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_complaint_attachments_Sha256",
                table: "complaint_attachments",
                column: "Sha256");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "complaint_attachments");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Latchkey.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LiveSetIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tokens_FamilyId",
                table: "tokens");

            migrationBuilder.DropIndex(
                name: "IX_tokens_InstallationId_RevokedAt",
                table: "tokens");

            migrationBuilder.CreateIndex(
                name: "IX_tokens_InstallationId",
                table: "tokens",
                column: "InstallationId");

            migrationBuilder.CreateIndex(
                name: "IX_tokens_InstallationId_Live",
                table: "tokens",
                column: "InstallationId",
                filter: "\"RevokedAt\" IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tokens_InstallationId",
                table: "tokens");

            migrationBuilder.DropIndex(
                name: "IX_tokens_InstallationId_Live",
                table: "tokens");

            migrationBuilder.CreateIndex(
                name: "IX_tokens_FamilyId",
                table: "tokens",
                column: "FamilyId");

            migrationBuilder.CreateIndex(
                name: "IX_tokens_InstallationId_RevokedAt",
                table: "tokens",
                columns: new[] { "InstallationId", "RevokedAt" });
        }
    }
}
